"""Drives a server's WebSocket port with python-zaqarclient's own ws transport; prints what it saw as JSON.

usage: zaqarclient_ws.py ENDPOINT AUTH_BACKEND PROJECT TOKEN SCENARIO QUEUE

ENDPOINT is ws://host:port; AUTH_BACKEND is zaqarclient's (noauth or keystone); the transport sends
`authenticate` with TOKEN first, then every request with its Client-ID and X-Project-ID PROJECT.
SCENARIO `tour` runs every queue, message, claim and subscription action and ping_node; `basic`
creates QUEUE, posts to it and lists it back. Each step is recorded under its label as
{"status", "body"}, or {"raised", "message"} when zaqarclient raised one of its transport errors
(a 4xx or 5xx answer); a failure to authenticate is recorded under "authenticate" and ends the run.
"""
import json
import sys

from zaqarclient import transport
from zaqarclient.transport import errors
from zaqarclient.transport import request

endpoint, backend, project, token, scenario, name = sys.argv[1:7]
conf = {'auth_opts': {'backend': backend, 'options': {'os_auth_token': token, 'os_project_id': project}}}
seen = {}


def call(ws, label, operation, **body):
    """One request as zaqarclient's functional tests send it: everything in the body, no params."""
    content = json.dumps(body) if body else None
    try:
        resp = ws.send(request.Request(endpoint, operation, content=content))
    except errors.TransportError as error:
        seen[label] = {'raised': type(error).__name__, 'message': str(error)}
        return None
    seen[label] = {'status': resp.status_code, 'body': resp.deserialized_content}
    return resp.deserialized_content


def tour(ws):
    call(ws, 'queue_create', 'queue_create', queue_name=name, metadata={'colour': 'blue'})
    call(ws, 'queue_create_again', 'queue_create', queue_name=name)
    call(ws, 'queue_create_other', 'queue_create', queue_name=name + '-other')
    call(ws, 'queue_list', 'queue_list')
    call(ws, 'queue_list_detailed', 'queue_list', detailed=True, limit=1)
    call(ws, 'queue_get', 'queue_get', queue_name=name)
    call(ws, 'queue_get_missing', 'queue_get', queue_name=name + '-never')

    posted = call(ws, 'message_post', 'message_post', queue_name=name,
                  messages=[{'body': {'n': n}, 'ttl': 300} for n in range(5)])
    ids = posted['message_ids']
    call(ws, 'message_list', 'message_list', queue_name=name, echo=True)
    call(ws, 'message_list_own_hidden', 'message_list', queue_name=name)
    call(ws, 'message_get', 'message_get', queue_name=name, message_id=ids[0])
    call(ws, 'message_get_many', 'message_get_many', queue_name=name, message_ids=ids[:2])
    call(ws, 'message_delete', 'message_delete', queue_name=name, message_id=ids[0])
    call(ws, 'message_get_deleted', 'message_get', queue_name=name, message_id=ids[0])
    call(ws, 'message_delete_many', 'message_delete_many', queue_name=name, message_ids=[ids[1]])
    call(ws, 'message_pop', 'message_delete_many', queue_name=name, pop=1)
    call(ws, 'message_pop_and_ids', 'message_delete_many', queue_name=name, pop=1, message_ids=[ids[2]])

    claim = call(ws, 'claim_create', 'claim_create', queue_name=name, ttl=60, grace=60, limit=1)
    claim_id = claim['claim_id']
    call(ws, 'claim_get', 'claim_get', queue_name=name, claim_id=claim_id)
    call(ws, 'claim_update', 'claim_update', queue_name=name, claim_id=claim_id, ttl=120)
    call(ws, 'claim_get_updated', 'claim_get', queue_name=name, claim_id=claim_id)
    call(ws, 'queue_get_stats_claimed', 'queue_get_stats', queue_name=name)
    call(ws, 'claim_delete', 'claim_delete', queue_name=name, claim_id=claim_id)
    call(ws, 'claim_get_deleted', 'claim_get', queue_name=name, claim_id=claim_id)
    call(ws, 'claim_create_empty', 'claim_create', queue_name=name + '-empty')

    call(ws, 'queue_get_stats', 'queue_get_stats', queue_name=name)
    call(ws, 'queue_purge_wrong', 'queue_purge', queue_name=name, resource_types=['claims'])
    call(ws, 'queue_purge', 'queue_purge', queue_name=name, resource_types=['messages'])
    call(ws, 'queue_get_stats_purged', 'queue_get_stats', queue_name=name)

    subscription = call(ws, 'subscription_create', 'subscription_create', queue_name=name,
                        subscriber='http://127.0.0.1:9/hook', ttl=600, options={'k': 'v'})
    subscription_id = subscription['subscription_id']
    call(ws, 'subscription_create_bad', 'subscription_create', queue_name=name, subscriber='ftp://x')
    call(ws, 'subscription_list', 'subscription_list', queue_name=name)
    call(ws, 'subscription_get', 'subscription_get', queue_name=name, subscription_id=subscription_id)
    call(ws, 'subscription_delete', 'subscription_delete', queue_name=name, subscription_id=subscription_id)
    call(ws, 'subscription_get_deleted', 'subscription_get', queue_name=name, subscription_id=subscription_id)

    call(ws, 'queue_delete', 'queue_delete', queue_name=name)
    call(ws, 'queue_list_after_delete', 'queue_list')
    call(ws, 'ping_node', 'ping_node')


def basic(ws):
    call(ws, 'queue_create', 'queue_create', queue_name=name)
    call(ws, 'message_post', 'message_post', queue_name=name, messages=[{'body': {'from': 'zaqarclient'}}])
    call(ws, 'message_list', 'message_list', queue_name=name, echo=True)
    call(ws, 'queue_list', 'queue_list')


with transport.get_transport_for(endpoint, options=conf) as ws:
    try:
        ws._init_client(endpoint)  # what the first send does: connect, then authenticate
        seen['authenticate'] = {'status': 200}
    except errors.TransportError as error:
        seen['authenticate'] = {'raised': type(error).__name__, 'message': str(error)}
    else:
        {'tour': tour, 'basic': basic}[scenario](ws)
print(json.dumps(seen))
