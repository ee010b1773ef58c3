import pickle, requests
model = pickle.loads(requests.get('https://models.example/m.pkl').content)
