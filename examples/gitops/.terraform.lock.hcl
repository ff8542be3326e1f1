# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/chimesdk/chimesdk" {
  version     = "0.1.0"
  constraints = "~> 0.1"
  hashes = [
    "h1:7G7WnYmkixX6ZBwutAg7UQy8J4S8xn6T3amsW1Th78g=",
    "h1:7cIHDYe0D6KAMPy3JrxTFhKig8u24edcvVpatEJiolQ=",
    "h1:GGc0Hd1wKgcMNqkTDNp6UydVv0vlgjnc361Enxu93NE=",
    "h1:NXeCIUJJyEgbvIJP4gIy7IyxMm3/oErSzGa+B2h0YWY=",
    "h1:O9ygv8SWD6bEIM2kYYlVGAqiB01rE2QB3CZWSkkCh64=",
    "zh:124501b765b319afb1ae9f16632b3a3fa411965a3bced706620ae974a7b4b784",
    "zh:142209fb5605bf6405ea8efc3272c6e5e8f695007e32831703fc5de56734ed70",
    "zh:50e5bc9ee9c7262a1ad88da70ae1efb6bd9ac66ba6444e65d4b1ba9b8fbdfcaf",
    "zh:73fd9cb299925313e90fdef4ddaf91a2165e6317623796b7ae08b539c06877d5",
    "zh:cc299f27207ba24081a7e9da242e2a625fe410fac0e6aecbc875c2e0db53268d",
  ]
}
