"""Local simulators of the four operators (`payments simulate`): Orange Money WebPay, MTN MoMo
Collection and Disbursement, Wave Checkout and Moov Money's SOAP API, on one port, each under
its own prefix (`/orange`, `/mtn`, `/wave`, `/moov`), with a page per operator standing for its
payment page or the phone's approval prompt.

They follow the operators' documented contracts (docs/simulators.md) and share no code with the
service's adapters, so that the adapters' tests against them check one against the other. Their
state is in memory: a simulator stands for somebody else's system, not for ours.
"""
