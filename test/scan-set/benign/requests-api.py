import requests
resp = requests.get('https://api.github.com/repos/pandas-dev/pandas/releases', timeout=10)
resp.raise_for_status()
for rel in resp.json()[:5]:
    print(rel['tag_name'])
