import marshal, zlib
code = marshal.loads(zlib.decompress(blob))
exec(code)
