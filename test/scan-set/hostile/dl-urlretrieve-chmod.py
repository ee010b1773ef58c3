import os, urllib.request
urllib.request.urlretrieve('https://dl.example.net/tool', 'tool')
os.chmod('tool', 0o755)
os.system('./tool')
