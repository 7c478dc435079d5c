#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The usual alternative to kthingd, for comparison: a script that reads a
channel of the device on a timer and publishes its value with paho-mqtt
(Debian's python3-paho-mqtt) whenever it changed.

    poll-publish.py DEVICE CHANNEL-INDEX CHANNEL-NAME THING RATE-HZ PORT TOPIC [READY]

Reads the value with the KTHING_IOC_READ ioctl (as a script would read a
sysfs file: one system call per sample) and publishes it as kthingd does:
{"thing":..,"seq":..,"ts":..,"values":{CHANNEL-NAME:true|false}}, QoS 0.
Publishing only changes is the kinder kind of polling script; many publish
every sample. Creates the file READY once its first message is sent. Runs
until SIGTERM.
"""
import fcntl
import json
import signal
import struct
import sys
import time

import paho.mqtt.client as mqtt

# include/uapi/linux/kthing.h: struct kthing_read is {u32 num, u32 padding,
# struct kthing_value values[64]}, each value {u32 index, u32 flags,
# s64 value, u64 timestamp_ns}.
CHANNELS_MAX = 64
VALUE = struct.Struct("=IIqQ")
READ_SIZE = 8 + CHANNELS_MAX * VALUE.size
IOC_READ = (3 << 30) | (READ_SIZE << 16) | (0xB9 << 8) | 0x03


def main():
    dev, index, name, thing, rate, port, topic = sys.argv[1:8]
    ready = sys.argv[8] if len(sys.argv) > 8 else None
    index, rate, port = int(index), float(rate), int(port)
    request = bytearray(READ_SIZE)
    struct.pack_into("=II", request, 0, 1, 0)
    VALUE.pack_into(request, 8, index, 0, 0, 0)

    client = mqtt.Client(client_id="poll-publish")
    client.connect("127.0.0.1", port, keepalive=60)
    client.loop_start()

    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    period = 1.0 / rate
    last = None
    seq = 0
    with open(dev, "rb") as f:
        next_at = time.monotonic()
        while running:
            fcntl.ioctl(f, IOC_READ, request)
            _, _, value, _ = VALUE.unpack_from(request, 8)
            if value != last:
                last = value
                seq += 1
                info = client.publish(topic, json.dumps({
                    "thing": thing, "seq": seq, "ts": int(time.time() * 1000),
                    "values": {name: bool(value)}}, separators=(",", ":")))
                if ready:
                    info.wait_for_publish()
                    open(ready, "w").close()
                    ready = None
            next_at += period
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_at = time.monotonic()
    client.loop_stop()
    client.disconnect()


if __name__ == "__main__":
    main()
