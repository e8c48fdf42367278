import { Global, Module } from '@nestjs/common';
import { loadSettings, Settings } from './settings';

export const SETTINGS = Symbol('Settings');

@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings = loadSettings()) {
    return {
      module: SettingsModule,
      providers: [{ provide: SETTINGS, useValue: settings }],
      exports: [SETTINGS],
    };
  }
}
