import argparse
parser = argparse.ArgumentParser()
parser.add_argument('--input', default='data.csv')
args = parser.parse_args()
print(args.input)
