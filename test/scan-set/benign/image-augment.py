from PIL import Image, ImageOps
img = Image.open('cat.jpg')
flipped = ImageOps.mirror(img)
small = img.resize((128, 128))
small.save('cat_small.png')
