"""Export torchvision's ImageNet MobileNetV2 for Glassbox.

Writes, into the folder given (default: this one):
  mobilenet_v2.safetensors   the weights, with torchvision's parameter names (float32)
  imagenet_classes.txt       the 1000 ImageNet class names, one per line, in class-index order

Run it once where PyTorch is installed and the internet can be reached:

    pip install torch torchvision safetensors
    python Lessons/models/export_mobilenet_v2.py [OUT_DIR] [--weights IMAGENET1K_V1|IMAGENET1K_V2]

The weights come from PyTorch's model zoo (download.pytorch.org, the files torchvision's
`mobilenet_v2(weights=...)` downloads; BSD-3-Clause, trained by the torchvision team on
ImageNet-1k). Glassbox itself never downloads anything: it reads the files this script writes.
Without torchvision the script fetches the same checkpoint by its URL and the class names from
pytorch/hub's imagenet_classes.txt.
"""
import argparse
import os
import urllib.request

import torch
from safetensors.torch import save_file

# torchvision's MobileNet_V2_Weights: checkpoint URL and the top-1 accuracy it reports.
URLS = {
    "IMAGENET1K_V1": "https://download.pytorch.org/models/mobilenet_v2-b0353104.pth",  # 71.878 %
    "IMAGENET1K_V2": "https://download.pytorch.org/models/mobilenet_v2-7ebf99e0.pth",  # 72.154 %
}
CLASSES_URL = "https://raw.githubusercontent.com/pytorch/hub/master/imagenet_classes.txt"


def weights_and_classes(name):
    try:
        from torchvision.models import MobileNet_V2_Weights, mobilenet_v2
        weights = MobileNet_V2_Weights[name]
        model = mobilenet_v2(weights=weights).eval()
        return model.state_dict(), list(weights.meta["categories"])
    except ImportError:
        state = torch.hub.load_state_dict_from_url(URLS[name], map_location="cpu", progress=True)
        with urllib.request.urlopen(CLASSES_URL) as r:
            classes = r.read().decode("utf-8").splitlines()
        return state, classes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--weights", default="IMAGENET1K_V1", choices=sorted(URLS))
    args = parser.parse_args()

    state, classes = weights_and_classes(args.weights)
    assert len(classes) == 1000, f"expected 1000 class names, got {len(classes)}"
    # Batch-norm step counters are bookkeeping, not weights; everything else as float32.
    tensors = {k: v.detach().to(torch.float32).contiguous()
               for k, v in state.items() if not k.endswith("num_batches_tracked")}
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "mobilenet_v2.safetensors")
    save_file(tensors, path, metadata={"source": URLS[args.weights], "weights": args.weights})
    with open(os.path.join(args.out, "imagenet_classes.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(classes) + "\n")
    count = sum(t.numel() for t in tensors.values())
    print(f"wrote {path}: {len(tensors)} tensors, {count:,} parameters; imagenet_classes.txt")


if __name__ == "__main__":
    main()
