"""Fixture for GPT2Tests: a tiny random GPT-2 built with Hugging Face Transformers, and a small
byte-level BPE (Sennrich et al. 2016; GPT-2's byte-level variant, Radford et al. 2019) trained
with the `tokenizers` package on the first 200 kB of Lessons/data's Shakespeare.

Writes, beside this script:
  vocab.json, merges.txt   the tokenizer, in the files GPT-2 ships
  model.safetensors        `GPT2LMHeadModel` weights in its own layout (`transformer.h.0…`,
                           output projection tied to `transformer.wte.weight`): n_embd 128,
                           2 layers, 2 heads of 64 dimensions (GPT-2's head size, so the model
                           file's default head count applies)
  hub.safetensors          a second, smaller model in the layout of the hub's `gpt2` checkpoint
                           (`h.0…`, no prefix): n_embd 32, 1 layer, 4 heads of 8 (the head count
                           must be passed)
  expected.safetensors     for each prompt i: `ids.i` (its token ids), `logits.i` (T×vocab),
                           `greedy.i` (the ids `generate(do_sample=False)` continues with) and
                           `hub.logits.i` (the hub-layout model's logits)
  expected.json            the prompts, the number of new tokens and the models' sizes

Run where torch, transformers and tokenizers are installed:  python make_fixture.py
"""
import json
import os

import torch
from safetensors.torch import save_file
from tokenizers import ByteLevelBPETokenizer
from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))

PROMPTS = [
    "First Citizen:\nBefore we proceed",
    "Once upon a time in a faraway land",
    "  What's this?\tI'll know't —  café 😀",
]
NEW_TOKENS = 12
SIZES = {"model": {"n_embd": 128, "n_layer": 2, "n_head": 2},
         "hub": {"n_embd": 32, "n_layer": 1, "n_head": 4}}


def build(vocab_size, size):
    config = GPT2Config(vocab_size=vocab_size, n_positions=64, initializer_range=0.2,
                        bos_token_id=0, eos_token_id=0, **size)
    model = GPT2LMHeadModel(config).eval()
    # Non-trivial layer norms, so that gamma and beta are read and used.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if ".ln_" in name or "ln_f" in name:
                p.add_(torch.randn_like(p) * 0.2)
    return model


def main():
    text_path = os.path.join(root, "Lessons", "data", "shakespeare.txt")
    with open(text_path, encoding="utf-8") as f:
        text = f.read()[:200_000]
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator([text], vocab_size=512, min_frequency=2, special_tokens=["<|endoftext|>"])
    bpe.save_model(here)
    # Transformers 5 reads a GPT-2 tokenizer from a folder holding vocab.json and merges.txt
    # (its constructor's file arguments no longer load them).
    tok = GPT2TokenizerFast.from_pretrained(here)
    assert len(tok) == 512 and len(tok.encode(PROMPTS[0])) > 0

    torch.manual_seed(0)
    model = build(len(tok), SIZES["model"])
    hub = build(len(tok), SIZES["hub"])
    state = {k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(state, os.path.join(here, "model.safetensors"))
    save_file({k.removeprefix("transformer."): v.contiguous()
               for k, v in hub.state_dict().items() if k != "lm_head.weight"},
              os.path.join(here, "hub.safetensors"))

    out, margins = {}, []
    for i, prompt in enumerate(PROMPTS):
        ids = tok.encode(prompt)
        x = torch.tensor([ids])
        with torch.no_grad():
            logits = model(x).logits[0]
            full = model.generate(x, max_new_tokens=NEW_TOKENS, do_sample=False,
                                  attention_mask=torch.ones_like(x), pad_token_id=0)[0]
            # The margin between the best and second-best logit at every greedy step: a tie
            # within float32 rounding would make the token-for-token check meaningless.
            steps = model(full[None, :-1]).logits[0, len(ids) - 1:]
            top2 = steps.topk(2, dim=-1).values
            margins.append(float((top2[:, 0] - top2[:, 1]).min()))
        out[f"ids.{i}"] = torch.tensor(ids, dtype=torch.float32)
        out[f"logits.{i}"] = logits.contiguous()
        out[f"greedy.{i}"] = full[len(ids):].to(torch.float32)
        with torch.no_grad():
            out[f"hub.logits.{i}"] = hub(x).logits[0].contiguous()
    save_file(out, os.path.join(here, "expected.safetensors"))
    with open(os.path.join(here, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"prompts": PROMPTS, "new_tokens": NEW_TOKENS, "sizes": SIZES}, f, ensure_ascii=False, indent=1)
    print("vocab", len(tok), "parameters", sum(p.numel() for p in model.parameters()),
          sum(p.numel() for p in hub.parameters()),
          "smallest greedy margin", min(margins))


if __name__ == "__main__":
    main()
