"""Drives a server with Debian's python3-zaqarclient (API v2) and prints what it saw as JSON.

usage: drive.py BASE_URL PROJECT QUEUE
"""
import json
import sys

from zaqarclient.queues import client as zaqar

url, project, name = sys.argv[1:4]
conf = {'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': project}}}
cli = zaqar.Client(url, version=2, conf=conf)
seen = {}

queue = cli.queue(name)  # v2 queues are lazy: the first post creates it
queue.post([{'body': {'n': i}, 'ttl': 120} for i in range(5)])
queue.metadata(new_meta={'owner': 'e2e', '_default_message_ttl': 300})
seen['metadata'] = queue.metadata(force_reload=True)
seen['queues'] = [q.name for q in cli.queues()[0]]
seen['listed'] = [m.body for m in queue.messages(echo=True)]

claim = queue.claim(ttl=60, grace=60, limit=3)
claimed = list(claim)
seen['claimed'] = [m.body for m in claimed]
for message in claimed:
    message.delete()  # the client deletes with the claim id from the message's href

stats = queue.stats['messages']
seen['stats'] = {k: stats[k] for k in ('claimed', 'free', 'total')}

rest = list(queue.messages(echo=True))
seen['remaining'] = [m.body for m in rest]
queue.delete_messages(*[m.id for m in rest])
seen['after_bulk_delete'] = queue.stats['messages']['total']

subscription = cli.subscription(name, subscriber='http://127.0.0.1:9/hook', ttl=600, options={'k': 'v'})
subscription.update({'ttl': 1200})
seen['subscriptions'] = [(s.subscriber, s.ttl, s.options) for s in cli.subscriptions(name)]
subscription.delete()
seen['subscriptions_after_delete'] = [s.id for s in cli.subscriptions(name)]

queue.delete()
seen['queues_after_delete'] = [q.name for q in cli.queues()[0]]
print(json.dumps(seen))
