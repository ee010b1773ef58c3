import subprocess as sp
out = sp.check_output('ls -la /', shell=True)
print(out)
