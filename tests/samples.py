"""Small drafts written for the web and CLI tests (the splitter's own samples live in tests/data/drafts)."""

SHORT_DRAFT = """Measures for the Security Management of Network Products (Draft for Comment)

Issued by the Cyberspace Administration of China for public comment.
The deadline for commenting is June 18, 2019.

Chapter 1 General Provisions

Article 1 (Purpose) These Measures are formulated in accordance with the Cybersecurity Law of the People’s Republic of China.

Article 2 (Scope) These Measures apply to network products used within the territory of the People’s Republic of China.

Chapter 2 Security Requirements

Article 3 (Secure and trusted products) Network operators shall purchase “secure and trusted” network products, in accordance with Article 65 of the Cybersecurity Law. Operators shall:
(1) keep logs for at least six months;
(2) store important data within the territory.

Article 4 (Technical maintenance) Technical maintenance of networks shall be carried out within the territory; where maintenance must be performed from overseas, a security assessment shall be made pursuant to Article 2 herein.

Article 5 These Measures take effect on the date of issuance.
"""
