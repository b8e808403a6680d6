"""The after-sales service desk (售后服务): products and warranty, service requests under the
shared 首问负责制 and working-day deadlines, the enforced lifecycle, repair orders, feedback to
the factory and the desk's KPIs."""
