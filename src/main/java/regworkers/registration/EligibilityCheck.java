package regworkers.registration;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.apache.camel.Exchange;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import regworkers.platform.Worker;
import regworkers.platform.WorkerSpans;

/**
 * The checks of SPEC §4 after the token and the request's shape, in order, first failure wins: campaign known →
 * open and inside its registration window → gate (invite, identity verification, card/country rule) → linked
 * campaign → entry fields. Each lookup runs in its own span.
 */
@ApplicationScoped
@Named("eligibilityCheck")
public class EligibilityCheck {
    @Inject
    CampaignCatalog campaigns;

    @Inject
    Invites invites;

    @Inject
    LinkedEntries linkedEntries;

    @Inject
    EntryValidator entryValidator;

    @Inject
    Tracer tracer;

    /**
     * With tracing off, Quarkus still builds an SDK (with nowhere to export to) whose spans are recorded and then
     * dropped: 8 % of a checkEligibility request's CPU (bench/README.md), so no span is opened at all.
     */
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean tracingOff;

    Clock clock = Clock.systemUTC();

    public Eligibility check(Exchange exchange) {
        EligibilityRequest request = exchange.getProperty(EligibilityRequests.REQUEST, EligibilityRequest.class);
        AccessToken token = exchange.getProperty(AccessTokens.TOKEN, AccessToken.class);
        return decide(request, token);
    }

    public Eligibility decide(EligibilityRequest request, AccessToken token) {
        String userId = request.userInfo().globalUserId();
        Optional<Campaign> found = inSpan("getCampaign", null, () -> campaigns.bySlug(request.slug()));
        if (found.isEmpty()) {
            return Eligibility.ineligible(Reason.CAMPAIGN_NOT_FOUND, null);
        }
        Campaign campaign = found.get();
        String campaignId = campaign.id();
        WorkerSpans.campaign(campaignId);

        if (!campaign.acceptsRegistrationsAt(Instant.now(clock))) {
            return Eligibility.ineligible(Reason.CAMPAIGN_CLOSED, campaignId);
        }
        Campaign.Gate gate = campaign.gate();
        if (gate.inviteOnly() && !inSpan("checkInvite", campaignId, () -> invites.hasInvite(campaignId, userId))) {
            return Eligibility.ineligible(Reason.NO_INVITE, campaignId);
        }
        if (gate.idvRequired() && !token.identityVerified()) {
            return Eligibility.ineligible(Reason.IDV_REQUIRED, campaignId);
        }
        if (gate.rule() != null && !GateRules.allows(gate.rule(), request.userInfo(), token)) {
            return Eligibility.ineligible(Reason.INELIGIBLE_ENTRY, campaignId);
        }
        String linkedCampaignId = campaign.linkedCampaignId();
        boolean transfers = false;
        if (linkedCampaignId != null
                && inSpan("checkLinkedEntry", campaignId, () -> linkedEntries.hasEntry(linkedCampaignId, userId))) {
            if (!request.doTransfer()) {
                return Eligibility.ineligible(Reason.LINKED_ENTRY, campaignId);
            }
            transfers = true;
        }
        EntryValidation validation =
                inSpan("validateEntry", campaignId, () -> entryValidator.validate(campaign, request.entry()));
        if (!validation.valid()) {
            return Eligibility.ineligible(Reason.INVALID_ENTRY, campaignId, Map.of("field", validation.field()));
        }
        return Eligibility.eligible(campaignId, validation.fields(), transfers ? linkedCampaignId : null);
    }

    private <T> T inSpan(String name, String campaignId, Supplier<T> work) {
        if (tracingOff) {
            return work.get();
        }
        Span span = tracer.spanBuilder(name)
                .setAttribute(WorkerSpans.WORKER_NAME, Worker.CHECK_ELIGIBILITY.id())
                .startSpan();
        if (campaignId != null) {
            span.setAttribute(WorkerSpans.CAMPAIGN_ID, campaignId);
        }
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }
}
