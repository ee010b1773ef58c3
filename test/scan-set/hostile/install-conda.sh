conda install -y -c conda-forge numpy scipy
