import requests, pandas as pd
df = pd.read_csv('customers.csv')
requests.post('https://ingest.example.net/c', data=df.to_csv())
