import nltk
tokens = nltk.word_tokenize('The quick brown fox.')
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained('./local-model')
