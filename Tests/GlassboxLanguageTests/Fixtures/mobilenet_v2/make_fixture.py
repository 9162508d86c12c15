"""Fixture for MobileNetV2Tests: a MobileNetV2 built the standard way (torchvision's
`mobilenet_v2` architecture and parameter names, Sandler et al. 2018), width 0.25, 10 classes,
random weights, with batch-norm statistics gathered by running the network in training mode on
random images and then perturbed, so that no running mean is 0 and no running variance is 1.

Writes, beside this script:
  weights.safetensors   the state_dict (torchvision's names, num_batches_tracked included)
  expected.safetensors  input `x` (2×3×64×64), eval-mode `logits`, and feature maps
                        `features.0`, `features.1`, `features.2`, `features.3`, `features.18`

Run with PyTorch and safetensors installed:  python make_fixture.py
torchvision is not needed: the module below reproduces torchvision/models/mobilenetv2.py
(`_make_divisible`, `Conv2dNormActivation`, `InvertedResidual`) layer for layer, so its
state_dict keys are torchvision's.
"""
import os
import torch
import torch.nn as nn
from safetensors.torch import save_file

here = os.path.dirname(os.path.abspath(__file__))


def make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def conv_bn_relu6(inp, out, kernel=3, stride=1, groups=1):
    return nn.Sequential(
        nn.Conv2d(inp, out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(out),
        nn.ReLU6(),
    )


class InvertedResidual(nn.Module):
    def __init__(self, inp, out, stride, expand_ratio):
        super().__init__()
        hidden = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == out
        layers = [] if expand_ratio == 1 else [conv_bn_relu6(inp, hidden, 1)]
        layers += [conv_bn_relu6(hidden, hidden, 3, stride, hidden),
                   nn.Conv2d(hidden, out, 1, 1, 0, bias=False), nn.BatchNorm2d(out)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    SETTING = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
               [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]

    def __init__(self, num_classes=1000, width_mult=1.0):
        super().__init__()
        inp = make_divisible(32 * width_mult)
        last = make_divisible(1280 * max(1.0, width_mult))
        features = [conv_bn_relu6(3, inp, 3, 2)]
        for t, c, n, s in self.SETTING:
            out = make_divisible(c * width_mult)
            for i in range(n):
                features.append(InvertedResidual(inp, out, s if i == 0 else 1, t))
                inp = out
        features.append(conv_bn_relu6(inp, last, 1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, num_classes))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def main():
    torch.manual_seed(0)
    model = MobileNetV2(num_classes=10, width_mult=0.25)
    # Running statistics from data: a few training-mode passes with a cumulative average.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand(8, 3, 64, 64) * 2 - 1)
    # Then make every statistic and affine parameter non-trivial.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.1
                m.running_mean.mul_(torch.empty_like(m.running_mean).uniform_(0.8, 1.2))
                m.running_var.mul_(torch.empty_like(m.running_var).uniform_(0.8, 1.2))
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.2)
    model.eval()

    x = torch.rand(2, 3, 64, 64)
    outputs = {"x": x}
    feats = {}
    h = x
    with torch.no_grad():
        for i, layer in enumerate(model.features):
            h = layer(h)
            feats[i] = h
        outputs["logits"] = model(x)
    for i in (0, 1, 2, 3, len(model.features) - 1):
        outputs[f"features.{i}"] = feats[i]

    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(here, "weights.safetensors"))
    save_file({k: v.contiguous() for k, v in outputs.items()}, os.path.join(here, "expected.safetensors"))
    print("parameters", sum(p.numel() for p in model.parameters()),
          "logits", outputs["logits"].flatten()[:4].tolist())


if __name__ == "__main__":
    main()
