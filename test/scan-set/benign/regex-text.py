import re
from collections import Counter
words = re.findall(r'\w+', open('book.txt').read().lower())
print(Counter(words).most_common(10))
pattern = re.compile(r'^\d{4}-\d{2}-\d{2}$')
