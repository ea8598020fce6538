package standins;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Stand-in of the code service: a finite code pool per market, idempotent reservations, assigned marks. */
public final class CodeStandIn extends StandInServer {

    private record Reservation(MarketKey market, List<String> codes) {}

    private final Map<MarketKey, CodePool> pools = new ConcurrentHashMap<>();
    private final Map<String, Reservation> reservations = new ConcurrentHashMap<>();

    public CodeStandIn(Path contractsDir, String apiKey) {
        super("code", contractsDir, apiKey);
        on("POST", "/campaigns/{campaignId}/markets/{marketId}/reservations", this::reserve);
        on("POST", "/codes/assigned", this::markAssigned);
        onAdmin("POST", "/_admin/code-pools", request -> {
            seedCodePool(request.text("campaignId"), request.text("marketId"), request.integer("count"));
            return StandInResponse.ok(poolState(request.text("campaignId"), request.text("marketId")));
        });
        onAdmin(
                "GET",
                "/_admin/code-pools/{campaignId}/{marketId}",
                request -> StandInResponse.ok(
                        poolState(request.pathParameter("campaignId"), request.pathParameter("marketId"))));
    }

    /** Adds {@code count} codes {@code C-{marketId}-{n}} to the market's pool (numbering continues). */
    public void seedCodePool(String campaignId, String marketId, int count) {
        pool(new MarketKey(campaignId, marketId)).grow(count);
    }

    public int availableCodes(String campaignId, String marketId) {
        return pool(new MarketKey(campaignId, marketId)).available();
    }

    /** Every code reserved from the market's pool, in reservation order. */
    public List<String> reservedCodes(String campaignId, String marketId) {
        return pool(new MarketKey(campaignId, marketId)).reserved();
    }

    public List<String> assignedCodes(String campaignId, String marketId) {
        return pool(new MarketKey(campaignId, marketId)).assigned();
    }

    /** The codes a reservation got, if the reservationId is known. */
    public Optional<List<String>> reservation(String reservationId) {
        return Optional.ofNullable(reservations.get(reservationId)).map(Reservation::codes);
    }

    @Override
    protected void clearState() {
        reservations.clear();
        pools.clear();
    }

    private StandInResponse reserve(StandInRequest request) {
        MarketKey market = new MarketKey(request.pathParameter("campaignId"), request.pathParameter("marketId"));
        String reservationId = request.body().get("reservationId").asText();
        int count = request.body().get("count").asInt();
        Reservation reservation = reservations.computeIfAbsent(
                reservationId, id -> new Reservation(market, pool(market).reserve(count)));
        if (!reservation.market().equals(market)) {
            ObjectNode detail = Json.object()
                    .put("reservationId", reservationId)
                    .put("campaignId", reservation.market().campaignId())
                    .put("marketId", reservation.market().marketId());
            throw HttpError.conflict("reservationId is already used for another market", detail);
        }
        ObjectNode result = Json.object().put("reservationId", reservationId);
        reservation.codes().forEach(result.putArray("codes")::add);
        return StandInResponse.ok(result);
    }

    private StandInResponse markAssigned(StandInRequest request) {
        JsonNode body = request.body();
        MarketKey market = new MarketKey(
                body.get("campaignId").asText(), body.get("marketId").asText());
        Set<String> codes = new LinkedHashSet<>();
        body.get("codes").forEach(code -> codes.add(code.asText()));
        List<String> notReserved = pool(market).markAssigned(codes);
        if (!notReserved.isEmpty()) {
            ObjectNode detail = Json.object();
            notReserved.forEach(detail.putArray("codes")::add);
            throw HttpError.conflict("codes are not reserved in this campaign and market", detail);
        }
        return StandInResponse.ok(Json.object().put("markedCount", codes.size()));
    }

    private ObjectNode poolState(String campaignId, String marketId) {
        CodePool pool = pool(new MarketKey(campaignId, marketId));
        return Json.object()
                .put("size", pool.size())
                .put("available", pool.available())
                .put("assigned", pool.assigned().size());
    }

    private CodePool pool(MarketKey market) {
        return pools.computeIfAbsent(market, key -> new CodePool(key.marketId()));
    }
}
