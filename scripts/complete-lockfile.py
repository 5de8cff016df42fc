#!/usr/bin/env python3
# The package mirror this project is built against does not serve msgpackr-extract's prebuilt
# packages for other platforms (an optional dependency of bullmq → msgpackr), so `npm install`
# leaves them out of package-lock.json and `npm ci` then refuses the lock. This adds their
# platform-only entries (never installed on Linux x64, so never fetched). Run after `npm install`:
#   python3 scripts/complete-lockfile.py package-lock.json
import json,sys
p=sys.argv[1]
lock=json.load(open(p))
pk=lock['packages']
missing={'darwin-arm64':('darwin','arm64'),'darwin-x64':('darwin','x64'),'linux-arm':('linux','arm'),'win32-x64':('win32','x64')}
for name,(os_,cpu) in missing.items():
    key=f'node_modules/@msgpackr-extract/msgpackr-extract-{name}'
    if key not in pk:
        pk[key]={'version':'3.0.7','cpu':[cpu],'license':'MIT','optional':True,'os':[os_]}
lock['packages']=dict(sorted(pk.items(), key=lambda kv: (kv[0]!='', kv[0])))
json.dump(lock,open(p,'w'),indent=2); open(p,'a').write('\n')
