"""Images for load_image's tests, and what Pillow 12 makes of them (the reference decoder and,
through Image.resize(BILINEAR), the resizing torchvision's Resize applies to a PIL image).

    python3 make_images.py      # needs numpy, pillow, safetensors

Writes digit.png (8×8 greyscale: the first of lesson 11's digits), photo.jpg (48×32 RGB, a
smooth pattern, quality 95), alpha.png (6×4 RGBA, half transparent) and expected.safetensors:
each image as 3×H×W in [0, 1] as Pillow decodes it, and photo.jpg resized as
Resize(24) + CenterCrop(24).
"""
import csv, os
import numpy as np
from PIL import Image
from safetensors.numpy import save_file

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "../../../.."))

def chw(img):
    return np.ascontiguousarray(np.asarray(img.convert("RGB"), dtype=np.float32).transpose(2, 0, 1) / 255)

with open(os.path.join(root, "Lessons/data/digits.csv")) as f:
    first = [int(v) for v in next(csv.reader(f))[:64]]
digit = Image.fromarray(np.clip(np.array(first, dtype=np.uint8).reshape(8, 8) * 16, 0, 255).astype(np.uint8), "L")
digit.save(os.path.join(here, "digit.png"))

y, x = np.mgrid[0:32, 0:48]
rgb = np.stack([128 + 100 * np.sin(x / 5), 128 + 100 * np.cos(y / 4), (x * 5 + y * 3) % 256], axis=-1)
Image.fromarray(rgb.astype(np.uint8), "RGB").save(os.path.join(here, "photo.jpg"), quality=95)

rgba = np.zeros((4, 6, 4), dtype=np.uint8)
rgba[..., 0] = 200; rgba[..., 1] = np.arange(6) * 40; rgba[..., 2] = 50; rgba[..., 3] = 128
rgba[:, :3, 3] = 255
Image.fromarray(rgba, "RGBA").save(os.path.join(here, "alpha.png"))

photo = Image.open(os.path.join(here, "photo.jpg"))
w, h = photo.size
size = 24
nw, nh = (size, int(size * h / w)) if w <= h else (int(size * w / h), size)
resized = photo.resize((nw, nh), Image.BILINEAR)
top, left = int(round((nh - size) / 2.0)), int(round((nw - size) / 2.0))
crop = resized.crop((left, top, left + size, top + size))
# Transparent pixels over white, as load_image composites them.
a = np.asarray(Image.open(os.path.join(here, "alpha.png")), dtype=np.float32) / 255
over_white = a[..., :3] * a[..., 3:] + (1 - a[..., 3:])
save_file({
    "digit": chw(Image.open(os.path.join(here, "digit.png"))),
    "photo": chw(photo),
    "photo.24": chw(crop),
    "alpha": np.ascontiguousarray(over_white.transpose(2, 0, 1)),
}, os.path.join(here, "expected.safetensors"))
print("photo", photo.size, "resized", resized.size)
