print("ivr")
