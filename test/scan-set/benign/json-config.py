import json
with open('config.json') as f:
    config = json.load(f)
print(json.dumps(config, indent=2))
