# We used to call subprocess.run(['make']) here; now everything is in Python.
'''
import os
os.system('rm -rf /')  # example of what not to do, in a docstring
'''
print('ok')
