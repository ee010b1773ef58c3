import pickle
with open('model.pkl', 'rb') as f:
    model = pickle.load(f)
with open('model.pkl', 'wb') as f:
    pickle.dump(model, f)
