# A small image folder to try fine-tuning on (usage: python3 make_shape_images.py [PER_CLASS]): my-images/{train,test}/{circle,square,triangle}/*.png
import os, random, sys
from PIL import Image, ImageDraw
random.seed(0)
per_class = int(sys.argv[1]) if len(sys.argv) > 1 else 30
for split, count in (("train", per_class), ("test", max(1, per_class // 3))):
    for shape in ("circle", "square", "triangle"):
        os.makedirs(f"my-images/{split}/{shape}", exist_ok=True)
        for i in range(count):
            bg = tuple(random.randint(0, 120) for _ in range(3))
            fg = tuple(random.randint(130, 255) for _ in range(3))
            img = Image.new("RGB", (160, 160), bg)
            d = ImageDraw.Draw(img)
            s = random.randint(50, 110); x = random.randint(0, 160 - s); y = random.randint(0, 160 - s)
            if shape == "circle": d.ellipse([x, y, x + s, y + s], fill=fg)
            elif shape == "square": d.rectangle([x, y, x + s, y + s], fill=fg)
            else: d.polygon([(x + s / 2, y), (x, y + s), (x + s, y + s)], fill=fg)
            img.save(f"my-images/{split}/{shape}/{i}.png")
