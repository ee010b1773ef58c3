pip install --extra-index-url https://pypi.example.net/simple internal-utils
