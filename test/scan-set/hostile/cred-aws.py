import configparser, os
cfg = configparser.ConfigParser()
cfg.read(os.path.expanduser('~/.aws/credentials'))
