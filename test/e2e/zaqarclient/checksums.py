"""Posts bodies with python3-zaqarclient, reads them back every way the API shows messages, and
prints, for each message read, the checksum the server gave and the one the client computes.

usage: checksums.py BASE_URL PROJECT QUEUE BODIES_JSON
"""
import hashlib
import json
import sys

from zaqarclient.queues import client as zaqar

url, project, name, bodies = sys.argv[1:5]
conf = {'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': project}}}
queue = zaqar.Client(url, version=2, conf=conf).queue(name)
queue.post([{'body': body, 'ttl': 300} for body in json.loads(bodies)])


def seen(messages):
    return [[m.checksum, 'MD5:' + hashlib.md5(json.dumps(m.body).encode()).hexdigest()] for m in messages]


listed = list(queue.messages(echo=True))
print(json.dumps({
    'listed': seen(listed),
    'got': seen([queue.message(listed[0].id)]),
    'by_ids': seen(queue.messages(*[m.id for m in listed])),
    'claimed': seen(queue.claim(ttl=60, grace=60, limit=2)),
    'popped': seen(queue.pop(count=1)),
}))
