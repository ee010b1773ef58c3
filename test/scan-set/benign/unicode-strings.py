greeting = {'fr': 'Bonjour, ça va ?', 'ja': 'こんにちは', 'ru': 'Привет', 'ar': 'مرحبا'}
for lang, text in greeting.items():
    print(lang, text)
