import os
n_jobs = int(os.getenv('N_JOBS', '4'))
data_dir = os.environ.get('DATA_DIR', 'data')
home = os.environ['HOME']
