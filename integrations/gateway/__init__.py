"""Shared machinery of the channel gateways: inbox, queue, dedup, rate limit, outbox, texts.

A webhook stores each message durably (SQL inbox + Redis stream) before answering 200; workers
forward it to Rasa and deliver the replies. See docs/channels.md.
"""
