exec(bytes.fromhex('7072696e742822686922290a').decode())
