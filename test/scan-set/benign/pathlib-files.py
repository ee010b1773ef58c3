from pathlib import Path
for path in sorted(Path('data').glob('*.csv')):
    print(path.name, path.stat().st_size)
Path('out').mkdir(exist_ok=True)
