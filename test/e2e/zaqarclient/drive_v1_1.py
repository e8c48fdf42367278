"""Drives a server with Debian's python3-zaqarclient on API v1.1 and prints what it saw as JSON.

usage: drive_v1_1.py BASE_URL PROJECT QUEUE
"""
import json
import sys

from zaqarclient.queues import client as zaqar

url, project, name = sys.argv[1:4]
conf = {'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': project}}}
cli = zaqar.Client(url, version=1.1, conf=conf)
seen = {}

queue = cli.queue(name)
queue.post([{'body': {'n': i}, 'ttl': 120} for i in range(5)])  # the first post creates the queue
seen['queues'] = [q.name for q in cli.queues()]
seen['listed'] = [m.body for m in queue.messages(echo=True)]
seen['hrefs'] = sorted({m.href.rsplit('/', 1)[0] for m in queue.messages(echo=True)})

claim = queue.claim(ttl=60, grace=60, limit=3)
claimed = list(claim)
seen['claimed'] = [m.body for m in claimed]
for message in claimed:
    message.delete()

stats = queue.stats['messages']
seen['stats'] = {k: stats[k] for k in ('claimed', 'free', 'total')}
rest = list(queue.messages(echo=True))
seen['popped'] = [m.body for m in queue.pop(count=1)]
queue.delete_messages(*[m._id for m in rest[1:]])
seen['after_delete'] = queue.stats['messages']['total']

queue.delete()
seen['queues_after_delete'] = [q.name for q in cli.queues()]
print(json.dumps(seen))
