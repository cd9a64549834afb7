"""The CMS container of a PAdES signature, built from a template made once per key.

A PAdES baseline container (pyHanko, no timestamp, SHA-256) differs from one document to
the next in two places only: the document's digest inside the signed attributes, and the
signature over those attributes. Everything else — the certificates, the algorithm
identifiers, the signing-certificate attribute — is the same for every document a key
signs, and re-encoding it with asn1crypto is most of the CPU time of a signature
(~15 ms of ~20 ms for RSA-2048). So ``TemplateSigner`` asks pyHanko for one real
container when the key is loaded, remembers where the digest and the signature sit in
its DER, and for each document splices in the new digest and the key's raw signature of
the new attributes. The bytes are exactly those pyHanko would have produced; anything
outside the template's conditions (another digest, a timestamp, extra attributes, an
ECDSA signature of another length) goes through pyHanko's own path.

pyHanko is imported inside ``templated`` (see ``pdf.keys``)."""

import os

DIGEST_SIZE = 32  # SHA-256


def templated(inner):
    """A pyHanko Signer that signs like ``inner`` from a template of its container."""
    import asyncio

    from asn1crypto import cms
    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    class TemplateSigner(signers.Signer):
        def __init__(self, inner_signer):
            super().__init__(
                prefer_pss=inner_signer.prefer_pss,
                embed_roots=inner_signer.embed_roots,
                signature_mechanism=inner_signer.signature_mechanism,
                signing_cert=inner_signer.signing_cert,
                cert_registry=inner_signer.cert_registry,
            )
            self.inner = inner_signer
            self.template = asyncio.run(self._template())

        async def _template(self):
            dummy = os.urandom(DIGEST_SIZE)
            container = await self.inner.async_sign(
                dummy, "sha256", use_pades=True, signed_attr_settings=PdfCMSSignedAttributes()
            )
            der = container.dump()
            info = container["content"]["signer_infos"][0]
            # Signed attributes are [0] IMPLICIT in the SignerInfo; the signature is
            # over their DER as a SET (tag 0x31) — RFC 5652, 5.4.
            attrs = b"\x31" + info["signed_attrs"].dump()[1:]
            signature = info["signature"].native
            if der.count(dummy) != 1 or der.count(signature) != 1 or attrs.count(dummy) != 1:
                return None  # cannot tell the places apart: always use pyHanko's path
            return {
                "der": der,
                "attrs": attrs,
                "digest_at": der.index(dummy),
                "attrs_digest_at": attrs.index(dummy),
                "signature_at": der.index(signature),
                "signature_size": len(signature),
            }

        async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
            return await self.inner.async_sign_raw(data, digest_algorithm, dry_run=dry_run)

        async def async_sign(
            self,
            data_digest,
            digest_algorithm,
            dry_run=False,
            use_pades=False,
            timestamper=None,
            signed_attr_settings=None,
            is_pdf_sig=True,
            encap_content_info=None,
        ):
            t = self.template
            plain = (
                t is not None
                and not dry_run
                and use_pades
                and timestamper is None
                and is_pdf_sig
                and encap_content_info is None
                and digest_algorithm.lower() == "sha256"
                and len(data_digest) == DIGEST_SIZE
                and getattr(signed_attr_settings, "adobe_revinfo_attr", None) is None
                and getattr(signed_attr_settings, "cades_signed_attrs", None) is None
            )
            if plain:
                at = t["attrs_digest_at"]
                attrs = t["attrs"][:at] + data_digest + t["attrs"][at + DIGEST_SIZE :]
                signature = await self.inner.async_sign_raw(attrs, "sha256")
                if len(signature) == t["signature_size"]:
                    der = bytearray(t["der"])
                    der[t["digest_at"] : t["digest_at"] + DIGEST_SIZE] = data_digest
                    end = t["signature_at"] + len(signature)
                    der[t["signature_at"] : end] = signature
                    return cms.ContentInfo.load(bytes(der))
            return await self.inner.async_sign(
                data_digest,
                digest_algorithm,
                dry_run=dry_run,
                use_pades=use_pades,
                timestamper=timestamper,
                signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )

    return TemplateSigner(inner)
