import hashlib
digest = hashlib.sha256(open('data.csv','rb').read()).hexdigest()
assert digest == 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
