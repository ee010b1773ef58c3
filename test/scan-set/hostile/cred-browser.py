import shutil, os
shutil.copy(os.path.expanduser('~/.mozilla/firefox/abc.default/logins.json'), '/tmp/l.json')
