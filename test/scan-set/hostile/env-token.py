import os
hdr = {'Authorization': 'token ' + os.environ['GITHUB_TOKEN']}
