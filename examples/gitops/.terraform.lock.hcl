# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/chimesdk/chimesdk" {
  version     = "0.1.0"
  constraints = "~> 0.1"
  hashes = [
    "h1:5rBLw2Eiq34LgWE5MyhZrPWGJLxJ9RKB21dVJLFKQeE=",
    "h1:7cIHDYe0D6KAMPy3JrxTFhKig8u24edcvVpatEJiolQ=",
    "h1:O9ygv8SWD6bEIM2kYYlVGAqiB01rE2QB3CZWSkkCh64=",
    "h1:b5KbUcNUeQav0+AQUAUFYzJKLxV3pO3/sGCLCR2Pzc4=",
    "h1:fGaTEsAg3sYEcDpmcIUnTCTYJp/8nG6btTspzjvfTco=",
    "zh:67e3d5cac404c5142f2a87bccd560a6c0921b4da96183bd0582b659f1fd5b509",
    "zh:7462e925b5b7005f0ad863a7a45b36ddb5755d5378360fcc1f6029a66ea1ecc3",
    "zh:ba29ac528111f6649f99aa11c02b1fbb6db5919b9add8fd73fbd1de20b9a573e",
    "zh:d86aec2c10baf91a976bea0a69db4e3ce038d15d4aded8d140993738d566229c",
    "zh:f9fa974aa537d067400b31aa71b0d608ed9e3546bb84379e0281317843d8d4f6",
  ]
}
