export { KeystoneApi } from './keystone-api';
export { describeWithKeystone, keystoneMissing, KEYSTONE_PACKAGES } from './keystone-prerequisites';
export { KeystoneHarnessError } from './keystone-process';
export {
  KeystoneCredentials,
  KeystoneFixture,
  startKeystone,
  TEST_USERS,
  TestProject,
  TestUser,
} from './keystone.fixture';
