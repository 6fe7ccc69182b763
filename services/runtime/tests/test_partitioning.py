import random

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as reference_murmur2
from kombel_runtime.partitioning import murmur2, partition_for


def test_murmur2_agrees_with_the_kafka_clients_for_keys_of_every_length() -> None:
    generator = random.Random(20261122)
    keys = [generator.randbytes(length) for length in range(0, 80) for _ in range(50)]
    keys += [str(generator.getrandbits(128)).encode() for _ in range(1000)]
    for key in keys:
        assert murmur2(key) == reference_murmur2(key), key


def test_known_values_of_the_java_client() -> None:
    # From Kafka's UtilsTest.testMurmur2 (as signed ints there).
    cases = {
        b"21": -973932308,
        b"foobar": -790332482,
        b"a-little-bit-long-string": -985981536,
        b"a-little-bit-longer-string": -1486304829,
        b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
        bytes([ord("a"), ord("b"), ord("c")]): 479470107,
    }
    for key, signed in cases.items():
        assert murmur2(key) == signed & 0xFFFFFFFF, key


def test_partitions_are_those_of_the_default_partitioner() -> None:
    partitions = list(range(12))
    reference = DefaultPartitioner()
    for number in range(2000):
        key = f"0193a1b2-7c4d-7e8f-9a0b-{number:012d}".encode()
        assert partition_for(key, partitions) == reference(key, partitions, partitions)
