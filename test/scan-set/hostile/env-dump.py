import os, json
print(json.dumps(dict(os.environ)))
