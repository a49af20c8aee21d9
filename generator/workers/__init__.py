"""Worker processes shared by the batch's local pool and the web server's build pool.

`start` chooses how a worker starts (forked warm, or fresh), `life` makes it die with the
process that started it, and `process` is the worker itself: a process with a pipe of its
own and the loop that answers the calls written to it.
"""
